// The SurveyJS side of `npm run bench` (bench/first-load.bench.ts): the same KF02 form, rendered the way
// SurveyJS's own React quick start does it. Built into a temp dir by the bench; never part of the app.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { Model } from 'survey-core';
import 'survey-core/i18n/simplified-chinese';
import 'survey-core/survey-core.fontless.min.css';
import { Survey } from 'survey-react-ui';
import kf02 from 'virtual:kf02-survey';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
const model = new Model(kf02);
model.locale = 'zh-cn';
createRoot(root).render(createElement(Survey, { model }));
